{% comment %}
The API docs page's set-up script: drf-spectacular's own, with one Swagger UI plugin first.

Swagger UI draws each operation's padlock closed when it considers the request authorized. An
operation that also accepts anonymous callers lists an empty security requirement ({}), which
Swagger UI counts as always met: those padlocks looked closed before anyone authorized, while
the ones of operations that need a token looked open. The plugin judges an operation by its
non-empty requirements only, so every padlock is closed exactly when a token will be sent.
{% endcomment %}
(() => {
  const bundle = window.SwaggerUIBundle;
  const padlockShowsTheToken = () => ({
    statePlugins: {
      auth: {
        wrapSelectors: {
          isAuthorized: (original) => (state, securities) => {
            if (securities && typeof securities.filter === "function") {
              const needingAToken = securities.filter((requirement) => requirement.size > 0);
              if (needingAToken.size > 0) {
                return original(state, needingAToken);
              }
            }
            return original(state, securities);
          },
        },
      },
    },
  });
  window.SwaggerUIBundle = Object.assign(
    (options) => bundle({ ...options, plugins: [...(options.plugins || []), padlockShowsTheToken] }),
    bundle,
  );
})();
{% include "drf_spectacular/swagger_ui.js" %}
