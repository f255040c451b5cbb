-- Images must be files of the issue folder, named by a relative path
-- without '..', and of a type pdfLaTeX embeds. Anything else stops the
-- build here, with the image named, instead of reaching TeX.
local allowed = { png = true, jpg = true, jpeg = true, pdf = true }

local function Image(img)
  local src = img.src
  local problem
  if src:match('^%a[%w+.-]*:') then
    problem = 'is a URL; download it into the issue folder and name the file'
  elseif src:sub(1, 1) == '/' or src:sub(1, 1) == '~' then
    problem = 'is an absolute path; use a path relative to the issue folder'
  elseif ('/' .. src .. '/'):find('/%.%./') then
    problem = "leaves the issue folder ('..'); put the file inside it"
  elseif not allowed[(src:match('%.(%w+)$') or ''):lower()] then
    problem = 'is not a PNG, JPEG or PDF file'
  end
  if problem then
    error('image "' .. src .. '" ' .. problem)
  end
end

return { { Image = Image } }
