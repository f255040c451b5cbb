-- Words in other scripts inside English text (Urdu, Persian, Pashto,
-- Arabic, Russian, Hindi, Chinese..., and symbols the body font lacks):
-- each run of one script, spaces between its words included, becomes one
-- \journalscript{script}{...}; the shared LaTeX package
-- (templates/latex/journal-base.sty) sets it in the font the house style's
-- style.yaml gives that script, right to left for Arabic script. The
-- scripts and their characters are data, in script-table.lua. The runs hold
-- only characters of their script and spaces, so they need no LaTeX escaping.
--
-- A span or div's `lang` (`[جرگہ]{lang=ur}`) picks the style of the
-- Arabic-script runs inside it; the attribute is then dropped, so that
-- Pandoc writes no babel command for a language the class does not load.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local each_text_field = dofile(pandoc.path.join { folder, 'fields.lua' })
local TABLE = dofile(pandoc.path.join { folder, 'script-table.lua' })

-- Binary search over sorted ranges for the script of a code point.
local RANGES = {}
for _, script in ipairs(TABLE) do
  for index = 1, #script.ranges, 2 do
    table.insert(RANGES, { script.ranges[index], script.ranges[index + 1], script })
  end
  script.marks = {}
  for _, cp in ipairs(script.urdu_letters or {}) do script.marks[utf8.char(cp)] = true end
end
table.sort(RANGES, function(a, b) return a[1] < b[1] end)

local function script_of(cp)
  if cp < 0x0180 or cp == 0x200C or cp == 0x200D then return nil end  -- Latin; ZWNJ/ZWJ join
  local low, high = 1, #RANGES
  while low <= high do
    local middle = (low + high) // 2
    local range = RANGES[middle]
    if cp < range[1] then high = middle - 1
    elseif cp > range[2] then low = middle + 1
    else return range[3] end
  end
  return nil
end

-- The class style for a run of a script, in a language (or none).
local function style_for(script, text, language)
  if not script.languages then return script.style end
  local by_language = language and script.languages[language]
  if by_language then return by_language end
  for _, cp in utf8.codes(text) do
    if script.marks[utf8.char(cp)] then return 'urdu' end
  end
  return script.default
end

-- A Str split into pieces: plain Str for Latin text, { script, text } for runs.
local function pieces(text)
  local out, current, script = {}, {}, nil
  local function flush()
    if #current > 0 then
      local chunk = table.concat(current)
      table.insert(out, script and { script = script, text = chunk } or pandoc.Str(chunk))
    end
    current = {}
  end
  for _, cp in utf8.codes(text) do
    local this = script_of(cp)
    if (cp == 0x200C or cp == 0x200D) and script then this = script end
    if this ~= script then flush(); script = this end
    table.insert(current, utf8.char(cp))
  end
  flush()
  return out
end

-- Whether text has a character of a script in the table. (UTF-8
-- characters from U+0180 up begin with a byte from 198 to 244.)
local function has_other_scripts(text)
  for char in text:gmatch('[\198-\244][\128-\191]*') do
    if script_of(utf8.codepoint(char)) then return true end
  end
  return false
end

local function list_has_other_scripts(inlines)
  for _, el in ipairs(inlines) do
    if el.t == 'Str' and has_other_scripts(el.text) then return true end
  end
  return false
end

-- The inlines of one list, with runs of each script wrapped for the class;
-- nil (unchanged, nothing to hand back to Pandoc) when the list has none.
local function wrap(inlines, language)
  if not list_has_other_scripts(inlines) then return nil end
  local out = pandoc.Inlines {}
  local open = nil  -- the run being collected: { script, text }
  local pending_space = false
  local function close()
    if open then
      out:insert(pandoc.RawInline('latex', string.format('\\journalscript{%s}{%s}',
        style_for(open.script, open.text, language), open.text)))
    end
    if pending_space then out:insert(pandoc.Space()) end
    open, pending_space = nil, false
  end
  for _, el in ipairs(inlines) do
    if el.t == 'Str' then
      for _, piece in ipairs(pieces(el.text)) do
        if piece.script and open and pending_space and piece.script == open.script then
          open.text, pending_space = open.text .. ' ' .. piece.text, false
        elseif piece.script then
          close()
          open = piece
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

-- The primary language subtag of a lang attribute: 'ur-PK' -> 'ur'.
local function primary(lang)
  return lang and lang:match('^(%a+)'):lower()
end

-- A filter that wraps every inline list in language, and restarts with
-- the language of any span or div that names one.
local function in_language(language)
  local function relanguage(el)
    local lang = el.attributes.lang
    if not lang and not el.attributes.dir then return nil end
    el.attributes.lang, el.attributes.dir = nil, nil  -- direction comes from the script
    if not lang then return el end
    return el:walk(in_language(primary(lang))), false
  end
  return {
    traverse = 'topdown',
    Span = relanguage,
    Div = relanguage,
    Inlines = function(inlines) return wrap(inlines, language) end,
  }
end

-- Visiting every inline list from Lua costs Pandoc about 0.08 s of CPU on
-- an article: only the blocks (and fields) whose text holds another script
-- (notes included, which plain text leaves out), or that have a span or div
-- with a lang or dir attribute, are visited. A Latin-only article
-- (transliteration included) stays as it is.
local function needs_visit(block)
  if has_other_scripts(pandoc.utils.stringify(block)) then return true end
  local found = false
  local function attributes(el)
    found = found or el.attributes.lang ~= nil or el.attributes.dir ~= nil
  end
  local function note(el)
    found = found or has_other_scripts(pandoc.utils.stringify(el.content))
  end
  pandoc.Blocks { block }:walk { Span = attributes, Div = attributes, Note = note }
  return found
end

local function Pandoc(doc)
  local filter = in_language(nil)
  doc.blocks = doc.blocks:map(function(block)
    return needs_visit(block) and pandoc.Blocks { block }:walk(filter)[1] or block
  end)
  local function visit_inlines(value)
    local visit = has_other_scripts(pandoc.utils.stringify(value))
    return visit and pandoc.Inlines(value):walk(filter) or value
  end
  doc.meta = each_text_field(doc.meta, visit_inlines)
  local abstract = doc.meta.abstract  -- Markdown: one paragraph (inlines) or more (blocks)
  if abstract and pandoc.utils.type(abstract) == 'Blocks' then
    doc.meta.abstract = abstract:map(function(block)
      return needs_visit(block) and pandoc.Blocks { block }:walk(filter)[1] or block
    end)
  elseif abstract then
    doc.meta.abstract = visit_inlines(abstract)
  end
  return doc
end

return { { Pandoc = Pandoc } }
