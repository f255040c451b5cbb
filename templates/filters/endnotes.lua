-- Markdown footnotes print as endnotes: a superscript number in the text
-- (the class's \journalnotemark) and, after the last section, the notes in
-- order inside the class's journalnotes environment (which prints the
-- heading), each after \journalnote{n}. Run last, for a house style whose
-- style.yaml says `notes: endnotes` (templates/endnotes.yaml).
local notes = pandoc.List()

-- The words of a note up to the note nested in it ('' if there is none):
-- they stand in the manuscript as written, so the error can point there.
local function words_before_inner_note(blocks)
  local before, found = pandoc.Inlines {}, false
  blocks:walk {
    traverse = 'topdown',
    Inline = function(el)
      if found then return nil, false end
      if el.t == 'Note' then found = true; return nil, false end
      if el.t == 'Str' or el.t == 'Space' then before:insert(el) end
    end,
  }
  return found and pandoc.utils.stringify(before) or nil
end

local collect = {
  traverse = 'topdown',
  Note = function(note)
    local before = words_before_inner_note(note.content)
    if before then
      error('a footnote contains another footnote (note ' .. (#notes + 1) .. ', after "'
        .. before:sub(-60) .. '"); move the inner note into the text of the outer one')
    end
    notes:insert(note.content)
    return pandoc.RawInline('latex', '\\journalnotemark{' .. #notes .. '}'), false
  end,
}

local append = {
  Pandoc = function(doc)
    if #notes == 0 then return nil end
    doc.blocks:insert(pandoc.RawBlock('latex', '\\begin{journalnotes}'))
    for number, content in ipairs(notes) do
      doc.blocks:insert(pandoc.RawBlock('latex', '\\journalnote{' .. number .. '}'))
      doc.blocks:extend(content)
    end
    doc.blocks:insert(pandoc.RawBlock('latex', '\\end{journalnotes}'))
    return doc
  end,
}

return { collect, append }
