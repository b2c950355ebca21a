// A small single-page app using the ESM build: `import { init } from 'clicktrail'` in a bundled app.
import { init } from '/dist/index.js';

const ct = init({
  idParams: ['click_id', 'affS1'],
  keep: ['affid', 'campaign'],
  stripe: { hosts: ['pay.example.com'] },
  linkDomains: ['other.example.net'],
  clean: true,
});

const view = document.getElementById('view');

// Each view renders fresh HTML after load: clicktrail decorates what the app inserts, without the app's help.
const views = {
  '/': () => {
    view.innerHTML = '<h2>Welcome</h2><p>Click id: <output id="spa-click-id"></output></p>';
    view.querySelector('#spa-click-id').textContent = ct.clickId() ?? '(none)';
  },
  '/pricing': () => {
    view.innerHTML = `
      <h2>Pricing</h2>
      <p><a id="spa-buy" href="https://buy.stripe.com/test_spa">Buy with a payment link</a></p>
      <stripe-buy-button data-name="spa-buy-button" buy-button-id="buy_btn_test_spa" publishable-key="pk_test_123"></stripe-buy-button>
      <p><button id="spa-checkout" type="button">Checkout from code</button></p>`;
    // Code that navigates by itself decorates the URL with the same rules as links.
    view.querySelector('#spa-checkout').addEventListener('click', () => {
      location.href = ct.decorate('https://buy.stripe.com/test_spa_code');
    });
  },
};

const render = () => (views[location.hash.slice(1)] ?? views['/'])();
window.addEventListener('hashchange', render);
render();
