'use strict';
// Profiles list, "By fast kept" filter: picking a fast in the search box opens the list
// filtered by it (?fast=<id>), keeping the other filters, the search and the ordering.
window.addEventListener('load', function() {
    const select = document.getElementById('fast-kept-filter');
    if (!select) {
        return;
    }
    // select2 reports a choice through jQuery's events only.
    django.jQuery(select).on('change', function() {
        if (!select.value) {
            return;
        }
        const params = new URLSearchParams(select.dataset.baseQuery);
        params.set('fast', select.value);
        window.location.search = params.toString();
    });
});
