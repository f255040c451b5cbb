-- Math is math: every command and environment of a math span must be on
-- the list in math-commands.txt (the one pipeline/manuscript.py reads),
-- unless the issue allows raw LaTeX. TeX programming (\def, \input,
-- \csname, \pdf..., \special...) never reaches the engine.
local folder = pandoc.path.directory(PANDOC_SCRIPT_FILE)
local allowed = {}
for line in io.lines(pandoc.path.join { folder, 'math-commands.txt' }) do
  if not line:match('^#') then
    for name in line:gmatch('%S+') do allowed[name] = true end
  end
end

local function refuse(math, what)
  error('math "' .. math.text:sub(1, 60) .. '": ' .. what
    .. '; use the math commands of KaTeX\'s list (\\frac, \\alpha, \\sum...)')
end

local function check(math)
  local text, i = math.text, 1
  while i <= #text do
    local pair = text:sub(i, i + 1)
    if text:sub(i, i) == '\\' then
      local token = text:match('^\\%a+', i) or pair
      if not (allowed[token] or token:match('^\\%s?$')) then
        refuse(math, token .. ' is not a math command this journal prints')
      end
      i = i + #token
    elseif pair == '^^' or pair == '~/' then
      refuse(math, "'" .. pair .. "' is a TeX escape, not math")
    elseif pair:sub(1, 1) == '%' or pair:sub(1, 1) == '#' then
      refuse(math, 'a bare ' .. pair:sub(1, 1) .. ' (write \\' .. pair:sub(1, 1) .. ')')
    else
      i = i + 1
    end
  end
  for name in text:gmatch('\\begin%s*{([^}]*)}') do
    if not allowed['{' .. name .. '}'] then refuse(math, 'environment {' .. name .. '}') end
  end
end

local function Pandoc(doc)
  if doc.meta['journal-raw-latex'] then return nil end
  doc:walk { Math = check }
  return nil
end

return { { Pandoc = Pandoc } }
