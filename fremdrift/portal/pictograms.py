"""Faces for the scale points of a self-assessment: from a frown at the lowest point to a
smile at the highest, drawn as small SVGs beside the point's number and label."""


def face_svg(fraction: float) -> str:
    """A face for a point `fraction` of the way up the scale (0 to 1); decorative only."""
    fraction = min(1.0, max(0.0, fraction))
    curve = 26 + 16 * (fraction - 0.5) * 2  # the mouth's control point: below = smile
    return (
        '<svg class="pictogram" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true"'
        ' focusable="false">'
        '<circle cx="20" cy="20" r="18" fill="#fff5cc" stroke="#1a1a1a" stroke-width="2"/>'
        '<circle cx="14" cy="16" r="2.5" fill="#1a1a1a"/>'
        '<circle cx="26" cy="16" r="2.5" fill="#1a1a1a"/>'
        f'<path d="M12 27 Q20 {curve:.1f} 28 27" fill="none" stroke="#1a1a1a"'
        ' stroke-width="2.5" stroke-linecap="round"/></svg>'
    )
