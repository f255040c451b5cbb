-- The journal has no bibliography: a citation in brackets, [@key], would
-- print as its raw text. pipeline/manuscript.py refuses it at its line;
-- this guard refuses what Pandoc reads as one. A name written in the text
-- as @name (a handle, not a citation) prints as typed.
local function Cite(cite)
  for _, citation in ipairs(cite.citations) do
    if citation.mode ~= 'AuthorInText' then
      error('citation "' .. pandoc.utils.stringify(cite.content) .. '": the journal has no '
        .. 'bibliography; write the reference out in a note ([^1] ... [^1]: Author, Title, ...)')
    end
  end
  return cite.content
end

return { { Cite = Cite } }
