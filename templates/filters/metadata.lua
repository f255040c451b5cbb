-- Title, subtitle and authors' names and bios are one line of text each:
-- if Markdown read one as a block (a list, a heading), keep its words.
local each_text_field = dofile(pandoc.path.join {
  pandoc.path.directory(PANDOC_SCRIPT_FILE), 'fields.lua' })

local function inline(value)
  if pandoc.utils.type(value) == 'Blocks' then
    return pandoc.utils.blocks_to_inlines(value)
  end
  return value
end

local function Meta(meta)
  return each_text_field(meta, inline)
end

return { { Meta = Meta } }
