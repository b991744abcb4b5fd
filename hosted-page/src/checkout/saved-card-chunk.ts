// The saved-card screens as one chunk (CardPanel, lazily): most payments have no saved card,
// so their first script does without the list and the CVC form (issue #15, critical path).
export { SavedCardForm } from './SavedCardForm.tsx'
export { SavedCardList } from './SavedCardList.tsx'
