/**
 * A simulated WeChat shell for pictures of the mini-program's pages: the page as miniprogram-simulate
 * rendered it (its WXML, data and bindings, as j-component DOM), styled with the page's own WXSS and the
 * app's, inside a navigation bar and a tab bar like WeChat's. It is not the WeChat client — native
 * components (button, input) are approximated with CSS — and every picture says so in its caption.
 */

/** The device width WeChat maps 750rpx onto, in CSS pixels. */
const DEVICE_WIDTH = 375;

export interface ShellOptions {
  /** The rendered page: j-component's DOM (`comp.dom.outerHTML`). */
  pageHtml: string;
  /** The page's WXSS and the app's (app.wxss), as written. */
  pageWxss: string;
  appWxss: string;
  /** The prefix j-component puts before the page's classes (`main` for a page rendered on its own). */
  classPrefix: string;
  navigationTitle: string;
  navigationColor: string;
  tabs: string[];
  selectedTab: number;
  /** What an empty input shows (j-component does not render native placeholders). */
  inputPlaceholder?: string;
  caption: string;
}

const TAGS = new Set(['view', 'text', 'button', 'input', 'block']);

/** One WXSS selector as it applies to j-component's DOM: classes prefixed, components as wx-*, page as the shell's page. */
function selector(s: string, prefix: string): string {
  return s
    .trim()
    .replace(/\.([A-Za-z_][-\w]*)/g, `.${prefix}--$1`)
    .replace(/(^|[\s>+~])([a-z]+)(?=$|[\s.:>+~[])/g, (all, before: string, tag: string) =>
      tag === 'page' ? `${before}.shell-page` : TAGS.has(tag) ? `${before}wx-${tag}` : all,
    );
}

/** WXSS to CSS for the shell: rpx at the device's scale, selectors rewritten as `selector` does. */
export function wxssToCss(wxss: string, prefix: string): string {
  const withoutComments = wxss.replace(/\/\*[\s\S]*?\*\//g, '');
  return withoutComments.replace(/([^{}]+)\{([^{}]*)\}/g, (_all, selectors: string, body: string) => {
    const css = body.replace(/(-?\d+(?:\.\d+)?)rpx/g, (_m, n: string) => `${(Number(n) * DEVICE_WIDTH) / 750}px`);
    return `${selectors
      .split(',')
      .map((s) => selector(s, prefix))
      .join(', ')} {${css}}\n`;
  });
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

// Native components drawn the way WeChat draws them by default (size="mini" buttons, a plain input).
const SHELL_CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font-family: "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; background: #ededed; display: flex; flex-direction: column; }
.caption { flex: none; font-size: 11px; line-height: 1.4; color: #7a5b00; background: #fff6d6; padding: 4px 10px; border-bottom: 1px solid #f0d98c; }
.nav { flex: none; height: 44px; display: flex; align-items: center; justify-content: center; font-size: 17px; font-weight: 600; color: #fff; }
.viewport { flex: 1; position: relative; overflow: hidden; transform: translateZ(0); }
.shell-page { position: absolute; inset: 0; overflow-y: auto; }
.tabbar { flex: none; height: 50px; display: flex; background: #fff; border-top: 1px solid rgba(0, 0, 0, 0.2); }
.tabbar div { flex: 1; display: flex; align-items: center; justify-content: center; font-size: 12px; color: #666; }
.tabbar div.on { color: #1f4e9c; font-weight: 600; }
wx-view, wx-block { display: block; }
wx-text { white-space: pre-wrap; }
wx-button { display: inline-block; font-size: 13px; line-height: 2.3; padding: 0 1.34em; border-radius: 5px; background: #f8f8f8; color: #000; border: 1px solid rgba(0, 0, 0, 0.2); white-space: nowrap; }
wx-input { display: block; min-height: 1.4em; }
wx-input:empty::before { content: attr(data-placeholder); color: #999; }
`;

/** The shell page: caption, navigation bar, the rendered page scrolling between it and the tab bar. */
export function shellHtml(o: ShellOptions): string {
  const page = o.inputPlaceholder
    ? o.pageHtml.replace(/<wx-input /g, `<wx-input data-placeholder="${esc(o.inputPlaceholder)}" `)
    : o.pageHtml;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=${DEVICE_WIDTH}">
<style>${SHELL_CSS}
${wxssToCss(o.appWxss, o.classPrefix)}
${wxssToCss(o.pageWxss, o.classPrefix)}</style>
</head>
<body>
<div class="caption">${esc(o.caption)}</div>
<div class="nav" style="background:${esc(o.navigationColor)}">${esc(o.navigationTitle)}</div>
<div class="viewport"><div class="shell-page" id="shell-page">${page}</div></div>
<div class="tabbar">${o.tabs.map((t, i) => `<div class="${i === o.selectedTab ? 'on' : ''}">${esc(t)}</div>`).join('')}</div>
</body>
</html>
`;
}

export const SHELL_VIEWPORT = { width: DEVICE_WIDTH, height: 760 } as const;
