// The widget bridge as one chunk (main.tsx loads it only when the page is framed): a page opened
// on its own never needs it on its critical path (issue #15).
export { answerWidget } from './answer-widget.ts'
export { createParentBridge } from './bridge.ts'
