-- Headings as authors write them: the body's top level, '#' or '##', is
-- the section (\section), the next the sub-heading (\subsection), the
-- third a run-in heading (\subsubsection), closed with a full stop unless
-- it ends in punctuation. pipeline/manuscript.py refuses deeper levels at
-- their line; this guard only repeats the rule.
local function top_level(blocks)
  local top = nil
  blocks:walk { Header = function(h) top = math.min(top or h.level, h.level) end }
  return top
end

local function Pandoc(doc)
  local top = top_level(doc.blocks)
  if not top then return nil end
  doc.blocks = doc.blocks:walk { Header = function(h)
    h.level = h.level - top + 1
    if h.level > 3 then
      error('"' .. pandoc.utils.stringify(h.content) .. '" is a heading of a fourth level; '
        .. 'the house style has three: make it a run-in heading, one level up')
    end
    local last = h.content[#h.content]
    if h.level == 3 and not (last and last.t == 'Str' and last.text:match('[.?!:]$')) then
      h.content:insert(pandoc.Str('.'))
    end
    return h
  end }
  return doc
end

return { { Pandoc = Pandoc } }
