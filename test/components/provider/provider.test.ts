// <timpora-provider> and provideTimpora() hand one client to nested widgets through @lit/context.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { ContextConsumer } from '@lit/context';
import '../../../components/provider/define.ts';
import { provideTimpora, type TimporaProvider } from '../../../components/provider/define.ts';
import { timporaContext } from '../../../components/shared/context.ts';
import { createTimporaClient, type TimporaClient } from '../../../sdk/client.ts';

class ClientProbe extends LitElement {
  client: TimporaClient | undefined;
  private readonly consumer = new ContextConsumer(this, {
    context: timporaContext,
    subscribe: true,
    callback: (client) => {
      this.client = client;
    },
  });
}
customElements.define('test-client-probe', ClientProbe);

describe('<timpora-provider>', () => {
  it('creates an offline client from its attributes and hands it to nested widgets', async () => {
    const el = await fixture<TimporaProvider>(html`<timpora-provider db-name="provider-test-a" agency="imi-jakut"><test-client-probe></test-client-probe></timpora-provider>`);
    const probe = el.querySelector<ClientProbe>('test-client-probe')!;
    expect(probe.client).to.equal(el.client);
    expect(el.client?.agencyId).to.equal('imi-jakut');
    expect(el.client?.sync).to.equal(undefined);
    el.remove();
    expect(el.client, 'a client it created is closed and dropped on disconnect').to.equal(undefined);
  });

  it('syncs through the outbox when given a server URL', async () => {
    const el = await fixture<TimporaProvider>(html`<timpora-provider db-name="provider-test-b" server-url="http://127.0.0.1:9/api"></timpora-provider>`);
    expect(el.client?.server?.baseUrl).to.equal('http://127.0.0.1:9/api');
    expect(el.client?.sync).to.not.equal(undefined);
    expect(el.client?.outboxEnabled).to.equal(true);
    el.remove();
  });

  it('provideTimpora() serves a client to widgets under a plain element, and can swap it', async () => {
    const host = await fixture<HTMLDivElement>(html`<div><test-client-probe></test-client-probe></div>`);
    const first = createTimporaClient({ dbName: 'provider-test-c' });
    const second = createTimporaClient({ dbName: 'provider-test-d' });
    const provision = provideTimpora(host, first);
    const probe = host.querySelector<ClientProbe>('test-client-probe')!;
    expect(probe.client).to.equal(first);
    provision.setClient(second);
    expect(probe.client).to.equal(second);
    await first.close();
    await second.close();
  });
});
