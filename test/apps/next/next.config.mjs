// The Next.js app of test/apps/next.test.ts: examples/nextjs/app is copied in as app/ before `next build`.
/** @type {import('next').NextConfig} */
export default {};
