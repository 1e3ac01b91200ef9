// Transparent capture on the proxy side: where an accepted connection was originally going, from
// conntrack (iptables REDIRECT, SO_ORIGINAL_DST) or from the socket itself (TPROXY), so the
// virtualOutbound/virtualInbound listeners can hand it to the listener for that address.
export {
  originalDestination,
  transparentDestination,
  capturedDestination,
  setTransparent,
  originalDestinationUnavailable,
  socketFd,
  decodeSockaddr,
  formatIpv6,
  type OriginalDestination,
  type CaptureMode,
} from './original-dst.js';
