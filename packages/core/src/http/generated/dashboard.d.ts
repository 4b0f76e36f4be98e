/** The dashboard, bundled at build time by scripts/build-dashboard.mjs (dashboard/). */
export declare const dashboardHtml: string;
export declare const loginHtml: string;
export declare const dashboardJs: string;
export declare const dashboardCss: string;
