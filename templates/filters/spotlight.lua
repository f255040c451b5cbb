-- The one filter Pandoc runs: each concern lives in its own file beside
-- this one; running them from one filter saves a document round trip each.
-- rendered.lua runs twice: it notes the front matter's plain text before the
-- other filters and its LaTeX after them.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local filters = {}
local concerns = { 'metadata', 'rendered', 'citations', 'headings', 'math', 'links', 'images',
                   'literal', 'scripts', 'endnotes', 'rendered' }
for _, concern in ipairs(concerns) do
  for _, filter in ipairs(dofile(pandoc.path.join { folder, concern .. '.lua' })) do
    table.insert(filters, filter)
  end
end
return filters
