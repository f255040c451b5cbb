-- Title, subtitle and authors' names and bios are one line of text each:
-- if Markdown read one as a block (a list, a heading), keep its words.
local function inline(value)
  if pandoc.utils.type(value) == 'Blocks' then
    return pandoc.utils.blocks_to_inlines(value)
  end
  return value
end

local function Meta(meta)
  meta.title = inline(meta.title)
  if meta.subtitle then meta.subtitle = inline(meta.subtitle) end
  for _, author in ipairs(meta.authors or {}) do
    author.name = inline(author.name)
    author.bio = inline(author.bio)
  end
  return meta
end

return { { Meta = Meta } }
