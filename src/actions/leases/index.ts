/**
 * The lease-table operations (LeaseService) the consumer library coordinates through.
 */
import type { AnyAction, AnyStreamingAction } from '../action.js'
import { createLeaseIfAbsent } from './create-lease-if-absent.js'
import { updateLease } from './update-lease.js'
import { deleteLease } from './delete-lease.js'
import { listLeases } from './list-leases.js'
import { watchLeases } from './watch-leases.js'

export const LEASE_ACTIONS: readonly AnyAction[] = [createLeaseIfAbsent, updateLease, deleteLease, listLeases]

export const LEASE_STREAMING_ACTIONS: readonly AnyStreamingAction[] = [watchLeases]
