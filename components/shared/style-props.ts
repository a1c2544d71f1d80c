/**
 * `styleProps`: sets inline style properties through CSSOM only. Lit's `styleMap` writes a `style`
 * attribute on first render, which a Content Security Policy without `'unsafe-inline'` blocks; this directive
 * never does, so widgets render the same under the strict policy integrators run (see docs/en/security.md).
 *
 * ```ts
 * html`<div ${styleProps({ height: '40px', '--_cols': '7' })}></div>`
 * ```
 * @module
 */
import { noChange } from 'lit';
import { Directive, PartType, directive, type ElementPart, type PartInfo } from 'lit/directive.js';

/** Property name (CSS, kebab-case or custom property) to value; `undefined` or `null` removes it. */
export type StyleProps = Readonly<Record<string, string | number | undefined | null>>;

class StylePropsDirective extends Directive {
  private applied = new Set<string>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('styleProps must be used on an element: <div ${styleProps({...})}>');
  }

  render(_props: StyleProps): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [props]: [StyleProps]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const name of this.applied) {
      if (props[name] === undefined || props[name] === null) {
        style.removeProperty(name);
        this.applied.delete(name);
      }
    }
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      style.setProperty(name, String(value));
      this.applied.add(name);
    }
    return noChange;
  }
}

/** Apply `props` to the element's inline style through CSSOM (CSP-safe, unlike `styleMap`'s first render). */
export const styleProps = directive(StylePropsDirective);
