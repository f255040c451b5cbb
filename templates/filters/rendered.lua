-- Each front-matter text field rendered once, in two forms, for whatever
-- shows it besides the article's first page (the issue's contents page and
-- bookmarks, the PDF metadata, the post-build check, running heads): fields.json
-- beside the LaTeX, as {"title": {"latex": ..., "plain": ...}, "subtitle": ...,
-- "short_title": ..., "abstract": ..., "authors": [{"name": ..., "bio": ...}]}.
-- latex.lua runs this file twice. Right after metadata.lua it notes each
-- field's plain text: what a reader sees, before later filters turn some
-- characters into raw LaTeX that plain text cannot show. Last, it adds the
-- field's final LaTeX, exactly what the template prints, and writes the file.
local NOTED = 'journal-plain-text'
local FLAT = { wrap_text = 'wrap-none' }

local function render(format)
  return function(value)
    if value == nil then return nil end
    local blocks = pandoc.utils.type(value) == 'Blocks' and value or { pandoc.Plain(value) }
    local text = pandoc.write(pandoc.Pandoc(blocks), format, FLAT)
    return (text:gsub('%s+$', ''))
  end
end

local function forms(meta, form)
  local authors = {}
  for index, author in ipairs(meta.authors or {}) do
    authors[index] = { name = form(author.name), bio = form(author.bio) }
  end
  return { title = form(meta.title), subtitle = meta.subtitle and form(meta.subtitle),
           short_title = form(meta.short_title), abstract = form(meta.abstract),
           authors = authors }
end

local function join(plain, latex)
  return { plain = plain, latex = latex }
end

local function Meta(meta)
  if not meta.title then return nil end  -- not an article (the issue's editorial matter)
  if not meta[NOTED] then
    meta[NOTED] = pandoc.json.encode(forms(meta, render('plain')))
    return meta
  end
  local plain, latex = pandoc.json.decode(meta[NOTED], false), forms(meta, render('latex'))
  local fields = { title = join(plain.title, latex.title), authors = {} }
  for _, key in ipairs { 'subtitle', 'short_title', 'abstract' } do
    if latex[key] and latex[key] ~= '' then fields[key] = join(plain[key], latex[key]) end
  end
  for index, author in ipairs(latex.authors) do
    fields.authors[index] = { name = join(plain.authors[index].name, author.name),
                              bio = join(plain.authors[index].bio, author.bio) }
  end
  local file = assert(io.open('fields.json', 'w'))
  file:write(pandoc.json.encode(fields))
  file:close()
  meta[NOTED] = nil
  return meta
end

return { { Meta = Meta } }
