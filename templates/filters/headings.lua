-- The title comes from the front matter; the body's sections are '##'
-- (printed as \section) and '###' (\subsection). A '#' heading would be a
-- second title: refuse it, naming it, rather than guess.
local function Header(h)
  if h.level == 1 then
    error('"' .. pandoc.utils.stringify(h.content) .. '" is a level-1 heading (#); '
      .. 'the title comes from the front matter: use ## for sections and ### below them')
  end
  h.level = h.level - 1
  return h
end

return { { Header = Header } }
