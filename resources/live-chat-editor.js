// The edit dialogs' shared code for the LINE live chat nodes. Node-RED serves this module's
// resources/ folder at resources/node-red-contrib-line-live-chat/, and each node's HTML loads
// this file from there; it defines window.LineLiveChat once however many nodes load it.
// Its texts are in the credential node's catalogs (locales/<lang>/credential.json, "editor").
(() => {
  if (window.LineLiveChat) return;

  const MODULE = 'node-red-contrib-line-live-chat';
  const text = (key, params) => RED._(`${MODULE}/credential:credential.editor.${key}`, params);

  /**
   * Offers the stored credentials of a provider under a credential field, keeping it free text
   * (a name, an id or ${ENV_VAR}): a <datalist> fed by the admin route
   * GET line-live-chat/credentials (nodes/shared/credential-choices.ts), reloaded when the
   * store or the provider changes, and a line under the field that says what was found or why
   * nothing could be listed.
   *
   * options: {input: '#node-input-credential', store: '#node-input-store',
   *           provider: 'LINE' | providerInput: '#node-input-provider'}
   */
  function credentialPicker(options) {
    const input = $(options.input);
    const store = $(options.store);
    const listId = `${input.attr('id')}-choices`;
    $(`#${listId}`).remove();
    const list = $('<datalist>').attr('id', listId).insertAfter(input);
    input.attr('list', listId);
    const tip = $('<div class="form-tips llc-credential-tip">').insertAfter(input.closest('.form-row'));
    const provider = () => (options.providerInput ? $(options.providerInput).val() : options.provider);
    let asked = 0;
    let shown;

    function load() {
      const storeId = store.val();
      const kind = provider();
      // The editor may announce the same store again (filling its select): nothing to reload.
      if (shown === `${storeId}\n${kind}`) return;
      shown = `${storeId}\n${kind}`;
      const ask = ++asked;
      if (!storeId || storeId === '_ADD_') {
        list.empty();
        tip.text(text('chooseStore'));
        return;
      }
      tip.text(text('loading'));
      $.getJSON('line-live-chat/credentials', { store: storeId, provider: kind })
        .done((data) => {
          if (ask !== asked) return;
          list.empty();
          const found = data.credentials || [];
          for (const credential of found) {
            const notes = [`#${credential.id}`];
            if (credential.is_default) notes.push(text('default'));
            if (!credential.is_active) notes.push(text('inactive'));
            $('<option>')
              .attr('value', credential.name)
              .text(`${credential.name} (${notes.join(', ')})`)
              .appendTo(list);
          }
          tip.text(`${found.length ? text('found', { count: found.length, provider: kind }) : text('none', { provider: kind })} ${text('freeText')}`);
        })
        .fail((xhr) => {
          if (ask !== asked) return;
          list.empty();
          const answer = xhr.responseJSON || {};
          const reason = { 'store-not-deployed': 'notDeployed', 'store-unavailable': 'unavailable' }[answer.code] || 'failed';
          tip.text(`${text(reason, { error: answer.error || xhr.statusText })} ${text('freeText')}`);
        });
    }

    store.on('change', load);
    if (options.providerInput) $(options.providerInput).on('change', load);
    load();
  }

  /** What prepareConfig lifted for each open dialog, written by saveConfig on Done. */
  const lifted = new WeakMap();

  /**
   * Call in oneditprepare: a node saved by an older release (configVersion missing = 1) is
   * lifted to `current` with the node's `migrations` ({n: config => config of n + 1}, the same
   * steps as the runtime's in nodes/<name>/<name>.ts), into the dialog's fields; saveConfig in
   * oneditsave stamps the version (and writes lifted values no field holds). Cancel changes
   * nothing. A node saved by a newer release is left alone, with a warning.
   */
  function prepareConfig(node, current, migrations) {
    const saved = Number(node.configVersion);
    let version = Number.isInteger(saved) && saved >= 1 ? saved : 1;
    if (version > current) {
      RED.notify(text('newerConfig', { type: node.type, version, current }), 'warning');
      return;
    }
    const keys = Object.keys(node._def.defaults);
    let config = {};
    for (const key of keys) config[key] = $.extend(true, {}, { v: node[key] }).v;
    while (version < current) {
      const step = migrations?.[version];
      if (step) config = step(config);
      version += 1;
    }
    const prefix = node._def.category === 'config' ? 'node-config-input-' : 'node-input-';
    const unheld = {};
    for (const key of keys) {
      if (key === 'configVersion' || JSON.stringify(config[key]) === JSON.stringify(node[key])) continue;
      const field = $(`#${prefix}${key}`);
      if (!field.length) unheld[key] = config[key];
      else if (field.is(':checkbox')) field.prop('checked', Boolean(config[key]));
      else field.val(config[key]).trigger('change');
    }
    lifted.set(node, { version: current, unheld });
  }

  /** Call in oneditsave, after prepareConfig. */
  function saveConfig(node) {
    const pending = lifted.get(node);
    if (!pending) return;
    lifted.delete(node);
    Object.assign(node, pending.unheld);
    node.configVersion = pending.version;
  }

  window.LineLiveChat = { credentialPicker, prepareConfig, saveConfig };
})();
