import { signal } from '@preact/signals'
import type { MeView } from '../../../protocol/schemas/dashboard/auth.ts'
import type { Permission } from '../../../protocol/schemas/dashboard/permissions.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { ApiError, call, setCsrfToken } from '../api/client.ts'
import { setLanguage } from '../i18n/i18n.ts'

/** Who is signed in: undefined while loading, null when nobody is. */
export const me = signal<MeView | null | undefined>(undefined)
/** Set when /me failed for another reason than "not signed in" (shown as an error state). */
export const meError = signal<unknown>(undefined)

/** Loads the signed-in user, their permissions and the CSRF token. */
export async function loadMe(): Promise<void> {
  meError.value = undefined
  try {
    const view = await call(ENDPOINTS.me)
    setCsrfToken(view.csrf_token)
    setLanguage(view.user.language)
    me.value = view
  } catch (error) {
    if (error instanceof ApiError && error.code === 'unauthenticated') me.value = null
    else meError.value = error
  }
}

/** Whether the signed-in user may do something (the server checks it again anyway). */
export function can(permission: Permission): boolean {
  return me.value?.permissions.includes(permission) ?? false
}

/** Where a signed-in user lands: the home screen, or projects for a role without money figures (developers). */
export function landingPath(): string {
  return can('home.read') ? '/dashboard/home' : '/dashboard/projects'
}

export async function signOut(): Promise<void> {
  await call(ENDPOINTS.signOut).catch(() => undefined)
  setCsrfToken('')
  me.value = null
}
