-- `build.py import` only (not part of latex.lua): a Word or OpenDocument
-- manuscript as Pandoc read it becomes the house Markdown's AST.
-- * The front matter is guessed from the first paragraphs and removed from
--   the body; meta.intake hands it back as Markdown strings, each with the
--   reason it was guessed (pipeline/intake.py writes and reports them).
-- * The body: headings (and manual bold ones) at the house levels ## / ###,
--   a "Table N: ..." paragraph beside a table made its caption, images
--   named figure-N.ext (intake.py puts the slug before it) and sized in %
--   of the text width, and Arabic-script runs marked with the language
--   Word gave them.
local stringify = pandoc.utils.stringify
local intake = { guesses = pandoc.List(), report = pandoc.List(), images = pandoc.List() }
local WORD_TEXT_WIDTH_IN = 6.27       -- A4 with Word's 1-inch margins
local UNITS_IN = { ['in'] = 1, cm = 1 / 2.54, mm = 1 / 25.4, pt = 1 / 72, px = 1 / 96 }

local function markdown(inlines)
  local text = pandoc.write(pandoc.Pandoc { pandoc.Plain(inlines) },
    'markdown-smart-raw_html-native_spans', { wrap_text = 'wrap-none' })
  return (text:gsub('%s+$', ''))
end

local function trimmed(inlines)
  inlines = pandoc.Inlines(inlines)
  local blank = { Space = true, SoftBreak = true, LineBreak = true }
  while #inlines > 0 and blank[inlines[1].t] do inlines:remove(1) end
  while #inlines > 0 and blank[inlines[#inlines].t] do inlines:remove(#inlines) end
  return inlines
end

local function guess(field, inlines, reason)
  intake.guesses:insert { field = field, value = markdown(trimmed(inlines)), reason = reason }
end

-- A paragraph made only of bold text: a title or a heading typed by hand;
-- the second result says whether it was bold italic too.
local function bold_only(block)
  if not block or (block.t ~= 'Para' and block.t ~= 'Plain') then return nil end
  local inner, italic = pandoc.Inlines {}, false
  for _, el in ipairs(block.content) do
    if el.t == 'Emph' and #el.content == 1 and el.content[1].t == 'Strong' then
      el, italic = el.content[1], true
    end
    if el.t == 'Strong' then
      if #el.content == 1 and el.content[1].t == 'Emph' then italic = true end
      inner:extend(el.content)
    elseif el.t == 'Space' or el.t == 'SoftBreak' or el.t == 'LineBreak' then inner:insert(el)
    else return nil end
  end
  return #trimmed(inner) > 0 and trimmed(inner) or nil, italic
end

-- Inlines cut at the first element for which cut(el) gives the text
-- before and after it, or nil when no element does.
local function split(inlines, cut)
  for i, el in ipairs(inlines) do
    local before, after = cut(el)
    if before then
      local head, tail = inlines:clone(), pandoc.Inlines {}
      for j = #head, i, -1 do
        if j > i then tail:insert(1, head[j]) end
        head:remove(j)
      end
      if before ~= '' then head:insert(pandoc.Str(before)) end
      if after and after ~= '' then tail:insert(1, pandoc.Str(after)) end
      return trimmed(head), trimmed(tail)
    end
  end
end

local function at_line_break(el) if el.t == 'LineBreak' then return '', '' end end
local function at_colon(el)
  if el.t == 'Str' and #el.text > 1 and el.text:match(':$') then return el.text:sub(1, -2), '' end
end

-- ---------------------------------------------------------------- title
local function has_note(block)
  for _, el in ipairs(block.content or {}) do if el.t == 'Note' then return true end end
end

-- The block without its notes (a title's acknowledgement), and their text.
local function without_notes(block)
  local dropped = pandoc.List()
  if not block or not block.content then return block, dropped end
  return block:walk {
    Note = function(note) dropped:insert(stringify(note.content)); return {} end,
  }, dropped
end

local function take_title(doc)
  local title, reason = doc.meta.title, 'the Title style'
  if not title then
    local first, dropped = without_notes(doc.blocks[1])
    if first and first.t == 'Header' then
      title, reason = first.content, 'the first heading'
    else
      title, reason = bold_only(first), 'the first paragraph, in bold'
    end
    if not title and first and first.t == 'Para' and doc.meta['intake-large-opening'] then
      title, reason = first.content, 'the first paragraph, in large type'
    end
    if not title and first and first.t == 'Para' and #stringify(first) <= 200
        and doc.blocks[2] and has_note(doc.blocks[2]) then
      title, reason = first.content, 'the first paragraph (an author line with a note follows)'
    end
    if not title then return end
    doc.blocks:remove(1)
    for _, text in ipairs(dropped) do
      intake.report:insert('the title\'s footnote "' .. text .. '" was left out: the house '
        .. 'style has no title note; move it into a bio or the text')
    end
  end
  -- the house prints titles bold; the author's bold is not emphasis
  title = pandoc.Inlines(title):walk { Strong = function(el) return el.content end }
  local subtitle, subreason = doc.meta.subtitle, 'the Subtitle style'
  if not subtitle then
    local head, tail = split(title, at_line_break)
    subreason = 'the second line of the title'
    if not head or #tail == 0 then
      head, tail = split(title, at_colon)
      subreason = 'the title, after the colon'
    end
    if head and #tail > 0 and #head > 0 then title, subtitle = head, tail end
  end
  guess('title', title, reason)
  if subtitle then guess('subtitle', subtitle, subreason) end
end

-- -------------------------------------------------------------- authors
local function cleaned_name(inlines)
  local name = stringify(inlines):gsub('^[%s,;&]+', ''):gsub('^and%s+', '')
  return (name:gsub('[%s%*†‡,;&]+$', ''):gsub('%s+and$', ''))
end

local function bio_of(note)
  local inlines = pandoc.Inlines {}
  for _, block in ipairs(note.content) do
    if block.content then inlines:extend(block.content); inlines:insert(pandoc.Space()) end
  end
  inlines = trimmed(inlines)
  while #inlines > 0 and inlines[1].t == 'Str' and inlines[1].text:match('^[%*†‡]') do
    local rest = inlines[1].text:gsub('^[%*†‡]+', '')
    if rest == '' then inlines:remove(1) else inlines[1] = pandoc.Str(rest) end
    inlines = trimmed(inlines)
  end
  return inlines
end

-- "Ramsha Shahid* and Ali Raza**", each name carrying its bio as a footnote.
local function authors_in(para)
  local people, name = pandoc.List(), pandoc.Inlines {}
  for _, el in ipairs(para.content) do
    if el.t == 'Note' then
      people:insert { name = cleaned_name(name), bio = bio_of(el) }
      name = pandoc.Inlines {}
    else
      name:insert(el)
    end
  end
  for rest in (stringify(name) .. ','):gmatch('(.-)%s*[,;&]%s*') do
    for one in (rest .. ' and '):gmatch('(.-)%s+and%s+') do
      if cleaned_name(one) ~= '' then people:insert { name = cleaned_name(one) } end
    end
  end
  return people
end

local function looks_like_names(block)
  local text = stringify(block)
  local _, words = text:gsub('%S+', '')
  return words <= 12 and not text:match('[.:]$') and not text:match('^[Kk]ey%s?[Ww]ords')
end

local function take_authors(doc)
  local people = pandoc.List()
  while doc.blocks[1] and doc.blocks[1].t == 'Para'
      and (has_note(doc.blocks[1]) or (#people == 0 and looks_like_names(doc.blocks[1]))) do
    people:extend(authors_in(doc.blocks[1]))
    doc.blocks:remove(1)
  end
  if #people == 0 and doc.meta.author then
    for _, name in ipairs(doc.meta.author) do people:insert { name = stringify(name) } end
  end
  for _, person in ipairs(people) do
    intake.guesses:insert { field = 'author', value = person.name,
      reason = 'the line under the title' }
    if person.bio and #person.bio > 0 then
      intake.guesses:insert { field = 'bio', value = markdown(person.bio),
        reason = 'the footnote on the name' }
    end
  end
end

-- ------------------------------------------------------------- keywords
local function take_keywords(doc)
  for i = 1, math.min(#doc.blocks, 12) do
    local block = doc.blocks[i]
    local text = block.t == 'Para' and stringify(block) or ''
    local list = text:match('^[Kk]ey%s?[Ww]ords%s*[:.%-–]%s*(.*)$')
    if list then
      for word in (list:gsub('%.$', '') .. ','):gmatch('%s*([^,;]-)%s*[,;]') do
        if word ~= '' then
          intake.guesses:insert { field = 'keyword', value = word,
            reason = 'the "Keywords:" paragraph' }
        end
      end
      doc.blocks:remove(i)
      return
    end
  end
end

-- ------------------------------------------------------------- headings
local function bold_headings(doc)
  for i, block in ipairs(doc.blocks) do
    local words, sub = bold_only(block)
    local text = words and stringify(words) or ''
    local _, count = text:gsub('%S+', '')
    if words and count <= 15 and not text:match('[.:;,]$') then
      if sub then words = pandoc.Inlines(words):walk { Emph = function(e) return e.content end } end
      doc.blocks[i] = pandoc.Header(sub and 2 or 1, words)
      intake.report:insert('"' .. text .. '" was a bold paragraph; it is now a '
        .. (sub and 'sub-heading (###)' or 'section heading (##)'))
    end
  end
end

local function house_levels(doc)
  local top = math.huge
  doc.blocks:walk { Header = function(h) top = math.min(top, h.level) end }
  return doc.blocks:walk {
    Header = function(h)
      local level = h.level - top + 2
      if level > 3 then
        intake.report:insert('"' .. stringify(h) .. '" was heading level ' .. h.level
          .. '; the house style has two levels, so it is now ###')
      end
      h.level = math.min(level, 3)
      h.identifier = ''
      return h
    end,
  }
end

-- ------------------------------------------------------ table captions
local function caption_text(block, word)
  if not block or block.t ~= 'Para' then return nil end
  local content = pandoc.Inlines(block.content)
  local number = stringify(content):match('^' .. word .. '%s+(%d+)%s*[:.]')
  if not number then return nil end
  -- drop "Table 3:" itself: LaTeX numbers the caption
  local _, rest = split(content, function(el)
    if el.t == 'Str' and el.text:match('^' .. number .. '[:.]') then
      return '', el.text:gsub('^%d+[:.]', '')
    end
  end)
  return rest
end

local function table_captions(blocks)
  local out = pandoc.Blocks {}
  local i = 1
  while i <= #blocks do
    local block = blocks[i]
    if block.t == 'Table' and #block.caption.long == 0 then
      local before = #out > 0 and caption_text(out[#out], 'Table')
      local after = not before and caption_text(blocks[i + 1], 'Table')
      if before then out:remove(#out) end
      if after then i = i + 1 end
      if before or after then block.caption.long = { pandoc.Plain(before or after) } end
    end
    if block.t == 'Table' then  -- no fixed widths: a pipe table where the cells allow
      for _, spec in ipairs(block.colspecs) do spec[2] = nil end
    end
    out:insert(block)
    i = i + 1
  end
  return out
end

-- --------------------------------------------------------------- images
local function width_percent(width)
  local number, unit = (width or ''):match('^([%d.]+)(%a*)$')
  if number and unit == '%' then return width end
  if not number or not UNITS_IN[unit ~= '' and unit or 'px'] then return nil end
  local share = tonumber(number) * UNITS_IN[unit ~= '' and unit or 'px'] / WORD_TEXT_WIDTH_IN
  return math.min(100, math.floor(share * 100 + 0.5)) .. '%'
end

local function rename_image(img)
  local extension = img.src:match('%.(%w+)$') or 'png'
  local name = 'figure-' .. (#intake.images + 1) .. '.' .. extension:lower()
  intake.images:insert { from = img.src, to = name }
  local width = width_percent(img.attributes.width)
  img.attributes = {}
  if width then img.attributes.width = width end
  img.src = name
  return img
end

-- ------------------------------------------------------------ languages
local function is_arabic(cp)
  return (cp >= 0x0600 and cp <= 0x06FF) or (cp >= 0x0750 and cp <= 0x077F)
      or (cp >= 0x08A0 and cp <= 0x08FF) or (cp >= 0xFB50 and cp <= 0xFDFF)
      or (cp >= 0xFE70 and cp <= 0xFEFF)
end

local function mark_languages(languages)
  local function add(out, text, lang)
    local last, gap = out[#out], nil
    if last and last.t == 'Space' and out[#out - 1] and out[#out - 1].t == 'Span' then
      gap, last = last, out[#out - 1]
    end
    if lang and last and last.t == 'Span' and last.attributes.lang == lang then
      if gap then out:remove(#out); last.content:insert(gap) end
      last.content:insert(pandoc.Str(text))
    elseif lang then
      out:insert(pandoc.Span(pandoc.Str(text), { lang = lang }))
    else
      out:insert(pandoc.Str(text))
    end
  end
  return {
    Inlines = function(inlines)
      local out = pandoc.Inlines {}
      for _, el in ipairs(inlines) do
        if el.t ~= 'Str' then
          out:insert(el)
        else
          local current, script = {}, nil
          local function flush()
            if #current == 0 then return end
            local text = table.concat(current)
            add(out, text, script and languages[text] or nil)
            current = {}
          end
          for _, cp in utf8.codes(el.text) do
            local this = is_arabic(cp)
            if this ~= script then flush(); script = this end
            table.insert(current, utf8.char(cp))
          end
          flush()
        end
      end
      return out
    end,
  }
end

-- A figure as the Markdown reader makes one: an image alone in its
-- paragraph, the caption (without "Figure N:", LaTeX numbers it) as its text.
local function Figure(figure)
  local image
  figure.content:walk { Image = function(img) image = image or img end }
  if not image then return nil end
  local caption = pandoc.utils.blocks_to_inlines(figure.caption.long)
  image.caption = caption_text(pandoc.Para(caption), 'Figure') or caption
  return pandoc.Para { image }
end

-- Word's and LibreOffice's bookmarks arrive as empty or id-only spans.
local function Span(span)
  if span.identifier ~= '' and #span.classes == 0 and #span.attributes == 0 then
    return span.content
  end
end

function Pandoc(doc)
  local languages = {}
  for word, lang in pairs(doc.meta['intake-languages'] or {}) do languages[word] = stringify(lang) end
  take_title(doc)
  take_authors(doc)
  take_keywords(doc)
  bold_headings(doc)
  doc.blocks = house_levels(doc)
  doc.blocks = table_captions(doc.blocks):walk { Figure = Figure, Span = Span }:walk { Image = rename_image }
  doc.blocks = doc.blocks:walk(mark_languages(languages))
  doc.meta = { intake = intake }
  return doc
end
