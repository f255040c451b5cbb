-- The filters the JATS writer needs (see spotlight.lua for the LaTeX set):
-- one-line titles and names, '##' as the top section level, safe images.
-- literal.lua, scripts.lua and endnotes.lua produce LaTeX and do not run.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local filters = {}
for _, concern in ipairs { 'metadata', 'headings', 'images' } do
  for _, filter in ipairs(dofile(pandoc.path.join { folder, concern .. '.lua' })) do
    table.insert(filters, filter)
  end
end
return filters
