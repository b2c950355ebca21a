'use client';

import { useClickTrail } from 'clicktrail/react';

/** Shows the visitor's click id; it is known only in the browser, right after the page has mounted. */
export function Referral() {
  const { clickId } = useClickTrail();
  return <p id="referral">{clickId ? `Referred by click ${clickId}` : 'No referral'}</p>;
}
