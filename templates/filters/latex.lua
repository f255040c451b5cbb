-- The shared LaTeX filters, one Pandoc filter: each concern lives in its own
-- file beside this one; running them from one filter saves a document round
-- trip each. rendered.lua runs twice: it notes the front matter's plain text
-- before the other filters and its LaTeX after them. A style's own filters
-- (styles/<name>/defaults.yaml) run after this one.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local filters = {}
local concerns = { 'metadata', 'rendered', 'citations', 'headings', 'math', 'links', 'images',
                   'literal', 'scripts', 'rendered' }
for _, concern in ipairs(concerns) do
  for _, filter in ipairs(dofile(pandoc.path.join { folder, concern .. '.lua' })) do
    table.insert(filters, filter)
  end
end
return filters
