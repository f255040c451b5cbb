-- The one-line front-matter fields that print as text: title, subtitle,
-- short title, each keyword, and each author's name, bio, degree, position
-- and affiliation. Returns a function that applies a transform to each of
-- those a Meta has, for the filters that treat them alike. (The abstract is
-- blocks: the filters that need it take it themselves.)
local AUTHOR_FIELDS = { 'name', 'bio', 'degree', 'position', 'affiliation' }
return function(meta, transform)
  for _, key in ipairs { 'title', 'subtitle', 'short_title' } do
    if meta[key] then meta[key] = transform(meta[key]) end
  end
  for index, keyword in ipairs(meta.keywords or {}) do
    meta.keywords[index] = transform(keyword)
  end
  for _, author in ipairs(meta.authors or {}) do
    for _, key in ipairs(AUTHOR_FIELDS) do
      if author[key] then author[key] = transform(author[key]) end
    end
  end
  return meta
end
