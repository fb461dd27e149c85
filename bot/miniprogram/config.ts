/**
 * The one place that says where the advisor service is. For a real release, set SERVICE_URL to the
 * deployed service (https, and added to the mini-program's "request 合法域名" in the WeChat admin console);
 * the local default works in WeChat DevTools with "不校验合法域名" (project.config.json: urlCheck false).
 */
export const SERVICE_URL = 'http://127.0.0.1:3000';

/** The plan the 政策 page shows (GET /v1/policies lists every document the service holds). */
export const POLICY_DOC_ID = 'zhengzhou-srdi-2024';

/** Shown under every answer and every calculation. */
export const DISCLAIMER = '金额为政策上限，以主管部门审核为准';

/** The hotline offered when the service cannot be reached. */
export const HOTLINE = '400-110-9001（周一至周五 09:00-17:00）';

export const REQUEST_TIMEOUT_MS = 20000;
