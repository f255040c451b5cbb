-- A link or image target as TeX and a PDF viewer read it: %XX decoded.
return function(target)
  return (target:gsub('%%(%x%x)', function(hex) return string.char(tonumber(hex, 16)) end))
end
