-- The filters the JATS writer needs (see latex.lua for the LaTeX set):
-- one-line titles and names, '##' as the top section level, safe images,
-- and the abstract as paragraphs (JATS's <abstract> holds <p>, not text).
-- literal.lua, scripts.lua and a style's own filters produce LaTeX and do not run.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local filters = {}
for _, concern in ipairs { 'metadata', 'headings', 'images' } do
  for _, filter in ipairs(dofile(pandoc.path.join { folder, concern .. '.lua' })) do
    table.insert(filters, filter)
  end
end

local function Meta(meta)
  -- a one-paragraph abstract is read as inlines: make it a paragraph
  if meta.abstract and pandoc.utils.type(meta.abstract) == 'Inlines' then
    meta.abstract = pandoc.MetaBlocks { pandoc.Para(meta.abstract) }
    return meta
  end
end
table.insert(filters, { Meta = Meta })
return filters
