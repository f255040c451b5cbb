-- Words in Arabic script (Urdu, Persian, Pashto, Arabic) inside English
-- text: each run of them, spaces between words included, becomes one
-- \spotlightrtl{...}, which the class sets right to left in a font that
-- has the letters. The runs hold Arabic-script letters only, so they need
-- no LaTeX escaping.
local each_text_field = dofile(pandoc.path.join {
  pandoc.path.directory(PANDOC_SCRIPT_FILE), 'fields.lua' })

local function is_arabic(cp)
  return (cp >= 0x0600 and cp <= 0x06FF) or (cp >= 0x0750 and cp <= 0x077F)
      or (cp >= 0x08A0 and cp <= 0x08FF) or (cp >= 0xFB50 and cp <= 0xFDFF)
      or (cp >= 0xFE70 and cp <= 0xFEFF) or cp == 0x200C or cp == 0x200D
end

-- A Str split into pieces: plain Str for the rest, a marker table for runs.
local function pieces(text)
  local out, current, rtl = {}, {}, nil
  local function flush()
    if #current > 0 then
      local chunk = table.concat(current)
      table.insert(out, rtl and { rtl = chunk } or pandoc.Str(chunk))
    end
    current = {}
  end
  for _, cp in utf8.codes(text) do
    local this = is_arabic(cp)
    if this ~= rtl then flush(); rtl = this end
    table.insert(current, utf8.char(cp))
  end
  flush()
  return out
end

local function wrap(inlines)
  local out = pandoc.Inlines {}
  local open = nil  -- text of the run being collected
  local pending_space = false
  local function close()
    if open then out:insert(pandoc.RawInline('latex', '\\spotlightrtl{' .. open .. '}')) end
    if pending_space then out:insert(pandoc.Space()) end
    open, pending_space = nil, false
  end
  for _, el in ipairs(inlines) do
    if el.t == 'Str' then
      for _, piece in ipairs(pieces(el.text)) do
        if type(piece) == 'table' and piece.rtl then
          if open and pending_space then
            open, pending_space = open .. ' ' .. piece.rtl, false
          else
            close()
            open = piece.rtl
          end
        else
          close()
          out:insert(piece)
        end
      end
    elseif el.t == 'Space' and open and not pending_space then
      pending_space = true
    else
      close()
      out:insert(el)
    end
  end
  close()
  return out
end

local function Meta(meta)
  return each_text_field(meta, wrap)
end

return { { Inlines = wrap, Meta = Meta } }
