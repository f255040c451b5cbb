-- ASCII characters an author typed literally (escaped in Markdown, or in
-- code) must print as themselves. Pandoc's LaTeX leaves some to the font,
-- whose TeX ligatures turn ` ' " into curly quotes, << >> ,, into guillemets
-- and low quotes, and ^ into a modifier letter. Give each a command that
-- prints exactly that character instead.
local commands = {
  ['`'] = '\\textasciigrave{}', ["'"] = '\\textquotesingle{}', ['"'] = '\\textquotedbl{}',
  ['^'] = '\\textasciicircum{}', ['<'] = '\\textless{}', ['>'] = '\\textgreater{}',
  [','] = ',{}',
}

local function Str(el)
  if not el.text:find('[`\'"%^<>,]') then return nil end
  local out = pandoc.Inlines {}
  for piece, special in el.text:gmatch('([^`\'"%^<>,]*)([`\'"%^<>,]?)') do
    if piece ~= '' then out:insert(pandoc.Str(piece)) end
    if special ~= '' then out:insert(pandoc.RawInline('latex', commands[special])) end
  end
  return out
end

return { { Str = Str } }
