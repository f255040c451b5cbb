-- The script table: which characters the class sets in a font other than
-- the body's. Each entry: the style the class's script table names (its
-- font), and the Unicode ranges (first, last) it takes. Everything else
-- prints in the body font (TeX Gyre Termes).
--
-- Arabic script picks its style by language: a span's `lang`, else the
-- letters of the run (one that only Urdu uses means Urdu, set in
-- Nastaliq), else `default` (Naskh, right for Arabic, Persian, Pashto,
-- Sindhi and readable for Urdu).
return {
  { style = 'arabic', rtl = true,
    ranges = { 0x0600, 0x06FF, 0x0750, 0x077F, 0x08A0, 0x08FF, 0xFB50, 0xFDFF, 0xFE70, 0xFEFF },
    languages = { ur = 'urdu', pnb = 'urdu', ar = 'arabic', fa = 'persian', prs = 'persian',
                  ps = 'pashto', pbt = 'pashto', sd = 'sindhi' },
    urdu_letters = { 0x0679, 0x0688, 0x0691, 0x06BA, 0x06D2 },  -- ٹ ڈ ڑ ں ے
    default = 'arabic' },
  { style = 'cyrillic', ranges = { 0x0400, 0x052F, 0x1C80, 0x1C8F, 0x2DE0, 0x2DFF, 0xA640, 0xA69F } },
  { style = 'greek', ranges = { 0x0370, 0x03FF, 0x1F00, 0x1FFF } },
  { style = 'devanagari', ranges = { 0x0900, 0x097F, 0xA8E0, 0xA8FF } },
  { style = 'bengali', ranges = { 0x0980, 0x09FF } },
  { style = 'cjk', ranges = { 0x2E80, 0x2FDF, 0x3000, 0x30FF, 0x3100, 0x312F, 0x31F0, 0x31FF,
                              0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xAC00, 0xD7AF, 0xF900, 0xFAFF,
                              0xFF00, 0xFFEF, 0x20000, 0x2FA1F } },
  -- Letters and signs Termes lacks (schwa Ə, Uzbek ʻ, primes, letterlike
  -- signs, number forms, arrows, mathematical and other symbols).
  { style = 'symbols', ranges = { 0x018F, 0x018F, 0x01DD, 0x01DD, 0x02B9, 0x02BD,
                                  0x2032, 0x2037, 0x2070, 0x209F, 0x2100, 0x27BF } },
  -- Currency signs (₹ ₨ ₽ ₸ ₺ ...); € stays in the body font.
  { style = 'currency', ranges = { 0x20A0, 0x20AB, 0x20AD, 0x20CF } },
}
