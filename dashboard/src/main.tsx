import { render } from 'preact'
import { App } from './app/App.tsx'
import { language } from './i18n/i18n.ts'
import './styles.css'

document.documentElement.lang = language.value
render(<App />, document.getElementById('app')!)
