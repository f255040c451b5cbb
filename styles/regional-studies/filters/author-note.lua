-- The author note Regional Studies prints as the first page's footnote:
-- "Name, Degree, Institution, is a Position." from the author's fields
-- (authors[i].note), or the author's bio when one is given. "a" or "an"
-- comes from the position's first letter, unless the position starts with
-- its own article ("the Director of ...").
local function text(value)
  return value and pandoc.utils.stringify(value) or ''
end

local function article_for(position)
  local first = text(position):lower()
  if first:match('^an? ') or first:match('^the ') then
    return ''
  end
  return first:match('^[aeiou]') and 'an ' or 'a '
end

local function note(author)
  if text(author.bio) ~= '' then
    return author.bio
  end
  local inlines = pandoc.Inlines(author.name or {})
  for _, key in ipairs { 'degree', 'affiliation' } do
    if author[key] then
      inlines:insert(pandoc.Str(','))
      inlines:insert(pandoc.Space())
      inlines:extend(pandoc.Inlines(author[key]))
    end
  end
  if author.position then
    inlines:insert(pandoc.Str(','))
    inlines:extend { pandoc.Space(), pandoc.Str('is'), pandoc.Space() }
    local article = article_for(author.position)
    if article ~= '' then
      inlines:extend { pandoc.Str(article:sub(1, -2)), pandoc.Space() }
    end
    inlines:extend(pandoc.Inlines(author.position))
  end
  inlines:insert(pandoc.Str('.'))
  return inlines
end

local function Meta(meta)
  for _, author in ipairs(meta.authors or {}) do
    author.note = pandoc.MetaInlines(note(author))
  end
  return meta
end

return { { Meta = Meta } }
