// Non-variadic wrappers over libedit's histedit API.
//
// Swift cannot call C variadic functions (`el_set`, `el_get`, `history`), so each call the
// LineEditor module needs gets a `static inline` wrapper here. The C globals `stdin`/`stdout`
// are wrapped too: Swift 6 rejects them as shared mutable state.
#ifndef CLIBEDIT_SHIM_H
#define CLIBEDIT_SHIM_H

#include <histedit.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

typedef char *(*ce_prompt_fn)(EditLine *);
typedef unsigned char (*ce_cmd_fn)(EditLine *, int);

static inline EditLine *ce_init(const char *prog) { return el_init(prog, stdin, stdout, stderr); }

// The prompt function is consulted on every redisplay, so switching the prompt string it
// returns (e.g. to a `...> ` continuation prompt) takes effect on the next el_gets.
// `literal` brackets non-printing sequences (ANSI colours) so cursor columns stay right.
static inline int ce_set_prompt(EditLine *el, ce_prompt_fn f, char literal) {
  return el_set(el, EL_PROMPT_ESC, f, literal);
}
static inline int ce_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int ce_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int ce_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int ce_add_fn(EditLine *el, const char *name, const char *help, ce_cmd_fn f) {
  return el_set(el, EL_ADDFN, name, help, f);
}
static inline int ce_bind(EditLine *el, const char *key, const char *fn) {
  return el_set(el, EL_BIND, key, fn, NULL);
}
static inline int ce_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *ce_get_clientdata(EditLine *el) {
  void *data = NULL;
  el_get(el, EL_CLIENTDATA, &data);
  return data;
}
// Terminal width from termcap `co`, or 80 when the terminal does not say.
static inline int ce_columns(EditLine *el) {
  int co = 0;
  if (el_get(el, EL_GETTC, "co", &co, NULL) != 0 || co <= 0) return 80;
  return co;
}

static inline int ce_hist_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int ce_hist_setunique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int ce_hist_enter(History *h, const char *s) { HistEvent ev; return history(h, &ev, H_ENTER, s); }
static inline int ce_hist_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int ce_hist_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }

// Writes to the same stdio stream libedit draws on, so completion lists interleave correctly.
static inline void ce_print(const char *s) { fputs(s, stdout); fflush(stdout); }
#endif
