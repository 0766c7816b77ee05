/**
 * Opening a URL in the user's browser, only where one can be there: a terminal session (not CI)
 * on macOS, Windows, or a desktop Linux/BSD (DISPLAY or WAYLAND_DISPLAY). The URL is always
 * printed too, so a browser that does not open costs nothing.
 */
import { spawn } from 'node:child_process';

export interface Opener {
  command: string;
  args: string[];
}

/** How to open `url` here, or undefined where no browser can be assumed. */
export function browserOpener(
  url: string,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  interactive: boolean,
): Opener | undefined {
  if (!interactive || env.CI) return undefined;
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // rundll32 takes the URL as one argument; `start` through cmd would split it at each `&`.
  if (platform === 'win32')
    return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { command: 'xdg-open', args: [url] };
  return undefined;
}

/** Starts the opener and forgets it; a missing opener is not an error. */
export function openBrowser(opener: Opener): void {
  const child = spawn(opener.command, opener.args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}
