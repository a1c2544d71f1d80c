// custom-elements.json from the JSDoc on the element classes (@summary, @slot, @event, @csspart, @cssproperty).
export default {
  globs: ['components/**/*.ts'],
  exclude: ['components/**/*.styles.ts', 'components/**/messages.ts', 'test/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
