-- The journal has no bibliography: a citation in brackets, [@key], would
-- print as its raw text. pipeline/manuscript.py refuses every bracketed
-- citation at its line; this guard refuses any word that still begins
-- with '[@' (Pandoc's citations extension is off, so it is plain text).
local function Str(str)
  if str.text:match('%[%-?@[%w_{]') then
    error('citation "' .. str.text .. '": the journal has no bibliography; write the '
      .. 'reference out in a note ([^1] ... [^1]: Author, Title, ...)')
  end
end

return { { Str = Str } }
