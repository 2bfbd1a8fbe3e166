/*
** store/store_tx_hooks.c — work to do when a transaction ends
** (store_tx_on_end in store.h).
*/
#include "store/store.h"
#include "store/store_internal.h"
#include "base/mem.h"
#include <stdlib.h>

struct store_tx_hook {
    void (*fn)(void *arg, int committed);
    void *arg;
};

/* Run and forget the hooks of the transaction that just ended, in the order
** they were added; the hooks' array is freed here. */
void store_tx_hooks_run(store *st, int committed) {
    size_t n = st->nhooks;
    struct store_tx_hook *h = st->hooks;
    st->hooks = NULL;
    st->nhooks = st->cap_hooks = 0;
    for (size_t i = 0; i < n; i++) h[i].fn(h[i].arg, committed);
    free(h);
}

/* Call fn when the open transaction ends (see store.h). */
void store_tx_on_end(store *st, void (*fn)(void *arg, int committed), void *arg) {
    if (!store_in_tx(st)) {
        fn(arg, 1);
        return;
    }
    if (st->nhooks == st->cap_hooks) {
        st->cap_hooks = st->cap_hooks ? 2 * st->cap_hooks : 4;
        st->hooks = xrealloc(st->hooks, st->cap_hooks * sizeof *st->hooks);
    }
    st->hooks[st->nhooks].fn = fn;
    st->hooks[st->nhooks++].arg = arg;
}
