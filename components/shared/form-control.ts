/**
 * Base for form-associated Timpora controls (after Web Awesome): takes part in a surrounding native
 * `<form>` through `ElementInternals` (value, validity, reset, disabled, state restore) and shows
 * validity through the `user-invalid` custom state only after the person has interacted.
 * @module
 */
import { LitElement, type CSSResultGroup } from 'lit';

/**
 * Extend this for an element whose value is submitted with a native form.
 * Subclasses implement the protected `formValue()` and `resetValue()` and call the protected `syncForm()`
 * whenever their value or validity changes.
 */
export abstract class TimporaFormControl extends LitElement {
  /** Tells the browser this element takes part in forms (`ElementInternals`); always true. */
  static formAssociated = true;

  /** Subclasses bring their own styles. @internal */
  declare static styles: CSSResultGroup | undefined;

  /** Lit reactive property declarations (documented on each field below). @internal */
  static override properties = {
    name: { type: String, reflect: true },
    disabled: { type: Boolean, reflect: true },
    required: { type: Boolean, reflect: true },
  };

  /** Name under which the value is submitted with the form. */
  declare name: string;
  /** Disabled by itself or through an ancestor `<fieldset disabled>` / form. */
  declare disabled: boolean;
  /** The form cannot be submitted while the control has no (valid) value. Default false. */
  declare required: boolean;

  /** The element's `ElementInternals`; undefined only in browsers without form association. */
  protected readonly internals: ElementInternals | undefined;
  /** True once the person has changed the value or tried to submit: only then is invalidity shown. */
  protected hasInteracted = false;
  /** Disabled through an ancestor (formDisabledCallback), kept apart from the `disabled` attribute. */
  protected formDisabled = false;

  constructor() {
    super();
    this.name = '';
    this.disabled = false;
    this.required = false;
    this.internals = typeof this.attachInternals === 'function' ? this.attachInternals() : undefined;
  }

  /** The surrounding form, if any. */
  get form(): HTMLFormElement | null {
    return this.internals?.form ?? null;
  }

  /** Current validity, as native controls expose it. */
  get validity(): ValidityState | undefined {
    return this.internals?.validity;
  }

  /** Why the control is invalid, in the page's language; empty when valid (or without form association). */
  get validationMessage(): string {
    return this.internals?.validationMessage ?? '';
  }

  /** True when valid; otherwise fires `invalid` on the element and returns false (like native controls). */
  checkValidity(): boolean {
    return this.internals?.checkValidity() ?? true;
  }

  /** Like `checkValidity()`, and also shows the problem to the person (marks the control as interacted). */
  reportValidity(): boolean {
    this.markInteracted();
    return this.internals?.reportValidity() ?? true;
  }

  /** What the form submits for this control (`null` submits nothing). */
  protected abstract formValue(): string | File | FormData | null;

  /** Return the value to its initial state (form reset). */
  protected abstract resetValue(): void;

  /** Restore a value the browser saved (back/forward navigation, autocomplete). */
  protected restoreValue(_state: string | File | FormData | null): void {
    // Optional: subclasses that can restore override this.
  }

  /**
   * Push value and validity to the form. `message` non-empty marks the control invalid;
   * `anchor` is the inner element the browser points at when reporting.
   */
  protected syncForm(message = '', anchor?: HTMLElement): void {
    const internals = this.internals;
    if (!internals) return;
    internals.setFormValue(this.formValue());
    if (message) internals.setValidity({ customError: true }, message, anchor);
    else internals.setValidity({});
    this.setState('user-invalid', this.hasInteracted && !!message);
    this.setState('user-valid', this.hasInteracted && !message);
  }

  /** Call when the person changes the value (not when code sets it). */
  protected markInteracted(): void {
    if (!this.hasInteracted) {
      this.hasInteracted = true;
      this.requestUpdate();
    }
  }

  /** Whether the control is disabled by its attribute or by an ancestor. */
  protected get isDisabled(): boolean {
    return this.disabled || this.formDisabled;
  }

  /** Set or clear a custom state (`:state(name)`) where the browser supports them. */
  protected setState(name: string, on: boolean): void {
    const states = this.internals?.states;
    if (!states) return;
    try {
      if (on) states.add(name);
      else states.delete(name);
    } catch {
      // Older engines only accepted `--name`; the state is a styling hint, never required.
    }
  }

  /** Called by the browser when the form resets: back to the initial value, invalidity hidden again. */
  formResetCallback(): void {
    this.hasInteracted = false;
    this.resetValue();
    this.syncForm();
  }

  /** Called by the browser when an ancestor `<fieldset>` or form becomes (un)disabled. */
  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
    this.requestUpdate();
  }

  /** Called by the browser to restore a saved value (back/forward navigation, autofill). */
  formStateRestoreCallback(state: string | File | FormData | null): void {
    this.restoreValue(state);
  }
}
