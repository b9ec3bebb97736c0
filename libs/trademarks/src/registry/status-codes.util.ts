/**
 * Whether a USPTO case-file status code means a live mark (see ../shared/data/uspto/README.md).
 * USPTO codes group by hundreds:
 * - 600-629: abandonments (602 abandoned for failure to respond, 606 no statement of use): dead;
 * - 630-699: pending application stages (630 new, 641 non-final action, 680 approved for
 *   publication, 686 published for opposition, 688 notice of allowance issued): live;
 * - 7xx: registered, live, except 710 and 712 (registration cancelled): dead;
 * - 8xx: registered and renewed or maintained (800 renewed): live;
 * - 900 and up: expired or cancelled registrations: dead.
 * Codes below 600 do not occur in case-file data; read as pending, live. A missing or malformed
 * code is dead: a record that cannot be shown to be live is not presented as a live obstacle.
 */
export function isLiveStatus(statusCode: string | null): boolean {
  if (statusCode === null || !/^\d{3}$/.test(statusCode)) return false;
  const code = Number(statusCode);
  if (code < 600) return true;
  if (code < 700) return code >= 630;
  if (code < 800) return code !== 710 && code !== 712;
  return code < 900;
}
