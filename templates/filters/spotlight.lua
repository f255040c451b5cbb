-- The one filter Pandoc runs: each concern lives in its own file beside
-- this one; running them from one filter saves a document round trip each.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local filters = {}
for _, concern in ipairs { 'metadata', 'headings', 'literal', 'scripts', 'images', 'endnotes' } do
  for _, filter in ipairs(dofile(pandoc.path.join { folder, concern .. '.lua' })) do
    table.insert(filters, filter)
  end
end
return filters
