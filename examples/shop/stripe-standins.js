// Stand-ins for Stripe's <stripe-buy-button> and <stripe-pricing-table>: Stripe's own scripts
// (https://js.stripe.com/v3/buy-button.js, /v3/pricing-table.js) cannot load offline.
// Like Stripe's elements, they read their attributes once, when they connect to the page, and render from
// them; changing `client-reference-id` afterwards changes nothing until the element is connected again.
// Every connect is also pushed to `window.__stripeSeen` ({ tag, name: data-name, ref: client-reference-id }).
(() => {
  const seen = (window.__stripeSeen = window.__stripeSeen || []);
  const define = (tag, label) => {
    if (customElements.get(tag)) return;
    customElements.define(
      tag,
      class extends HTMLElement {
        connectedCallback() {
          const ref = this.getAttribute('client-reference-id');
          seen.push({ tag, name: this.getAttribute('data-name'), ref });
          const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
          root.textContent = `${label} (stand-in) · client-reference-id: ${ref === null ? '(none)' : ref}`;
        }
      },
    );
  };
  define('stripe-buy-button', 'Stripe Buy Button');
  define('stripe-pricing-table', 'Stripe Pricing Table');
})();
