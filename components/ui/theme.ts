// Shared by the inline <head> script (app/layout.tsx) and the theme toggle, so both read the same key.
export const THEME_STORAGE_KEY = "newswire-theme";

/**
 * Runs before first paint: applies the stored choice, or the system preference, as `data-theme` on <html>.
 * With storage blocked it sets nothing and the CSS media-query fallback applies.
 */
export const THEME_INIT_SCRIPT = `(function(){try{var d=document.documentElement,p=localStorage.getItem(${JSON.stringify(
  THEME_STORAGE_KEY,
)});if(p!=="light"&&p!=="dark")p=null;d.setAttribute("data-theme",p||(window.matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light"));if(p)d.setAttribute("data-theme-preference",p)}catch(e){}})();`;
