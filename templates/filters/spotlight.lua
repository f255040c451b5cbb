-- The one filter Pandoc runs: each concern lives in its own file beside
-- this one; running them from one filter saves a document round trip each.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local filters = {}
for _, concern in ipairs { 'metadata', 'citations', 'headings', 'math', 'links', 'images',
                            'literal', 'scripts', 'endnotes' } do
  for _, filter in ipairs(dofile(pandoc.path.join { folder, concern .. '.lua' })) do
    table.insert(filters, filter)
  end
end
return filters
