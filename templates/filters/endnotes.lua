-- Markdown footnotes print as endnotes: a superscript number in the text
-- and, after the last section, the notes in order inside the class's
-- spotlightnotes environment (which prints the heading).
local notes = pandoc.List()

local function contains_note(blocks)
  local found = false
  blocks:walk { Note = function() found = true end }
  return found
end

local collect = {
  traverse = 'topdown',
  Note = function(note)
    if contains_note(note.content) then
      error('a footnote contains another footnote (note '
        .. (#notes + 1) .. ': "' .. pandoc.utils.stringify(note.content):sub(1, 60)
        .. '"); move the inner note into the text of the outer one')
    end
    notes:insert(note.content)
    return pandoc.RawInline('latex', '\\spotlightnotemark{' .. #notes .. '}'), false
  end,
}

local append = {
  Pandoc = function(doc)
    if #notes == 0 then return nil end
    doc.blocks:insert(pandoc.RawBlock('latex', '\\begin{spotlightnotes}'))
    for number, content in ipairs(notes) do
      doc.blocks:insert(pandoc.RawBlock('latex', '\\spotlightnote{' .. number .. '}'))
      doc.blocks:extend(content)
    end
    doc.blocks:insert(pandoc.RawBlock('latex', '\\end{spotlightnotes}'))
    return doc
  end,
}

return { collect, append }
