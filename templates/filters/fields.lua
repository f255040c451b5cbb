-- The front-matter fields that print as text: title, subtitle, and each
-- author's name and bio. Returns a function that applies a transform to
-- each of them in a Meta, for the filters that treat them alike.
return function(meta, transform)
  for _, key in ipairs { 'title', 'subtitle' } do
    if meta[key] then meta[key] = transform(meta[key]) end
  end
  for _, author in ipairs(meta.authors or {}) do
    author.name = transform(author.name)
    author.bio = transform(author.bio)
  end
  return meta
end
