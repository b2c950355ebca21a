// Baseline for the server figures: the obvious postback code, through new URL() and searchParams.
// (It re-serialises the query, so it mangles other macros and encodes spaces as '+'; it is here for speed only.)

/** Fills `{name}` query values of a template from `values`, the naive way. */
export const naiveRender = (template, values) => {
  const url = new URL(template);
  for (const [key, value] of [...url.searchParams]) {
    const macro = /^\{(\w+)\}$/.exec(value);
    if (macro) url.searchParams.set(key, values[macro[1]] ?? '');
  }
  return url.toString();
};

/** Appends every non-null param to a base URL, the naive way. */
export const naiveBuild = (base, params) => {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  return url.toString();
};
