-- Images must be files of the issue folder, named by a plain relative path
-- (no URL, no absolute path, no \ or ~, no '..'), of a type pdfLaTeX
-- embeds, and present. pipeline/manuscript.py checks each at its line,
-- with the file's size and resolution; this guard judges the path as
-- Pandoc decoded it, %XX escapes included, so nothing else reaches TeX.
local decode = dofile(pandoc.path.join {
  pandoc.path.directory(PANDOC_SCRIPT_FILE), 'decode.lua' })
local allowed = { png = true, jpg = true, jpeg = true, pdf = true }

local function problem_of(src)
  if src:match('^%a[%w+.-]*:') then
    return 'is a URL; download it into the issue folder and name the file'
  elseif src:sub(1, 1) == '/' or src:find('[\\~]') then
    return 'is an absolute path, or one with \\ or ~; use a path relative to the issue folder'
  elseif ('/' .. src .. '/'):find('/%.%./') then
    return "leaves the issue folder ('..'); put the file inside it"
  elseif not allowed[(src:match('%.(%w+)$') or ''):lower()] then
    return 'is not a PNG, JPEG or PDF file'
  end
  local file = io.open(src, 'rb')  -- the work folder holds the issue folder's images
  if not file then return 'is not a file of the issue folder' end
  file:close()
end

local function Image(img)
  local problem = problem_of(decode(img.src))
  if problem then
    error('image "' .. img.src .. '" ' .. problem)
  end
end

return { { Image = Image } }
