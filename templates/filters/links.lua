-- Links point to web, e-mail and DOI addresses or into the article:
-- anything else (run:, file:, javascript:, a file name) could become a
-- Launch or file action in the PDF. pipeline/manuscript.py reports these
-- at their line; this guard sees every link as Pandoc read it.
local decode = dofile(pandoc.path.join {
  pandoc.path.directory(PANDOC_SCRIPT_FILE), 'decode.lua' })
local allowed = { '^https?://', '^mailto:', '^doi:', '^#' }

local function Link(link)
  local target = decode(link.target):lower()
  if target == '' then return nil end
  for _, pattern in ipairs(allowed) do
    if target:match(pattern) then return nil end
  end
  error('link target "' .. link.target .. '" is not a web, e-mail or DOI address; links may '
    .. 'point only to http://, https://, mailto: or doi: addresses, or to #anchors')
end

return { { Link = Link } }
