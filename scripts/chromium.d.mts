/** The system Chromium to use, or undefined to let Playwright use its own download. */
export declare const executablePath: string | undefined;
/** Flags that keep a headless Chromium from reaching for the network or a sandbox it cannot have. */
export declare const chromiumArgs: string[];
/** Launch options for playwright's chromium.launch(). */
export declare const launchOptions: { executablePath: string | undefined; args: string[] };
